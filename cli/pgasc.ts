console.log("pgasc");
